from relate.cli.entry import main

main()
