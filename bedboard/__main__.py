from bedboard.cli import main

main()
