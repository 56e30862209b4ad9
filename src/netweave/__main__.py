from netweave.cli import main

raise SystemExit(main())
