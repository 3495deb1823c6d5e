"""Benchmark scenario for the demo generator: the small demo into a fresh database (what `make run` does once)."""

from __future__ import annotations

from core.demo.generator import generate_demo
from tests.bench.harness import FIXED_TODAY, BenchContext, scenario


@scenario("demo small generation", repeats=3, warmup=0)
def scenario_demo_small_generation(ctx: BenchContext) -> None:
    """generate_demo(scale="small") into an empty database: migrate, draw, bulk insert, rebuild indexes."""
    url = ctx.fresh_database_url("demo_small")
    generate_demo(url, seed=42, scale="small", today=FIXED_TODAY)
