from stackengine.cli.main import main

main()
