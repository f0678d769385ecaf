from slacli.cli import main

main()
