// main.cpp — the Catch2 entry point of the unit tests (tests/unit/test_*.cpp).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
