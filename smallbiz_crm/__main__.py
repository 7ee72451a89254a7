"""Lets `python -m smallbiz_crm` run the same entry point as the installed command."""

from smallbiz_crm.cli import main

raise SystemExit(main())
