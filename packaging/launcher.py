"""The frozen app's entry script: the same `smallbiz_crm.cli:main` the installed commands run."""

from smallbiz_crm.cli import main

raise SystemExit(main())
