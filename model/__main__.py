import sys

try:
    from model.cli import main

    code = main()
except KeyboardInterrupt:  # Ctrl-C before the command line's own handler is in place
    print("finmodel: interrupted; nothing was written", file=sys.stderr)
    code = 130
sys.exit(code)
