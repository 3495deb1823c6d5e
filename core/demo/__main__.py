"""`python -m core.demo`: the demo generator's command line (see `core.demo.generator.main`)."""

from __future__ import annotations

from core.demo.generator import main

raise SystemExit(main())
