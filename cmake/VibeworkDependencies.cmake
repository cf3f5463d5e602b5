# All dependencies come from Debian packages (scripts/bootstrap installs them).
# Minimum versions (not exact ones), shared with vibeworkConfig.cmake's find_dependency calls.
set(VIBEWORK_BOOST_MINIMUM 1.81)
set(VIBEWORK_OPENSSL_MINIMUM 3)
set(VIBEWORK_MONGOC_MINIMUM 1.23)
set(VIBEWORK_ICU_MINIMUM 72)

find_package(Threads REQUIRED)
find_package(Boost ${VIBEWORK_BOOST_MINIMUM} REQUIRED CONFIG COMPONENTS json url)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL ${VIBEWORK_OPENSSL_MINIMUM} REQUIRED)
find_package(PkgConfig REQUIRED)
if(VIBEWORK_BUILD_APP OR VIBEWORK_TESTING)
  find_package(CLI11 REQUIRED)  # the `vibework` command line only
endif()
