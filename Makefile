# Thin phony targets over build.sh: all logic lives there (./build.sh --help).
.PHONY: all image test run docs bench clean setup
all image:
	./build.sh image
test:
	./build.sh test
run:
	./build.sh run -- $(ARGS)
docs:
	./build.sh docs
bench:
	./build.sh bench
setup:
	./build.sh setup
clean:
	./build.sh clean
