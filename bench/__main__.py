"""Run every benchmark and print its figures."""

from bench import cli_import_bench, cluster_bench, code_page_bench, deid_bench, deid_nerkor, import_bench, store_bench

if __name__ == "__main__":
    store_bench.main()
    import_bench.main()
    cli_import_bench.main()
    code_page_bench.main()
    deid_bench.main()
    deid_nerkor.main()
    cluster_bench.main()
