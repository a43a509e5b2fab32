"""`python -m hall …`: the async mode is prepared before any other import."""

import sys

if len(sys.argv) > 1 and sys.argv[1] == "serve":
    from hall.asyncmode import prepare

    prepare()

from hall.cli import main  # noqa: E402

sys.exit(main())
