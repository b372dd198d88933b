from relate.cli.main import main

main()
