"""REFI-QDA exchange: codebooks (``.qdc``) and whole projects (``.qdpx``) to and from other QDA tools.

    safety     reading hostile archives and XML: size and member limits, no DTDs or entities,
               no network, no path traversal (nothing is ever extracted to disk)
    model      the exchange as plain dataclasses, independent of our database
    codes      codebook trees <-> REFI codes; definitions and criteria <-> <Description>
    positions  selection offsets as other tools count them -> code points over our text
    qdc        the codebook file (urn:QDA-XML:codebook:1.0)
    project    the project.qde XML (urn:QDA-XML:project:1.0)
    qdpx       the zip: project.qde plus sources/<guid>.txt

Nothing here touches the database or the keys; ``workbench.services.refi_export`` and ``refi_import`` do.
"""
