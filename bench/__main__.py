"""Run every benchmark and print its figures."""

from bench import import_bench, store_bench

if __name__ == "__main__":
    store_bench.main()
    import_bench.main()
