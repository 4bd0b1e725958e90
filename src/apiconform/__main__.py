from apiconform.cli import main

main()
