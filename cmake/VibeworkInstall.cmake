# The library as a package: each part declares itself with vibework_library(), and
# vibework_install_package() installs the parts, their public headers and vibeworkConfig.cmake.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# vibework_library(NAME <part> [TARGET <target>] [INTERFACE] [SOURCES ...] HEADERS ...)
# Creates the library `vibework_<part>` (or TARGET), usable as `vibework::<part>` in this build
# and after find_package(vibework). HEADERS (relative to the current folder) are the part's
# public API: they are the only headers installed, under <prefix>/include/vibework/...; headers
# not listed stay internal. The project's flags (vibework_defaults) are linked PRIVATE.
function(vibework_library)
  cmake_parse_arguments(L "INTERFACE" "NAME;TARGET" "SOURCES;HEADERS" ${ARGN})
  if(NOT L_TARGET)
    set(L_TARGET vibework_${L_NAME})
  endif()
  if(L_INTERFACE)
    add_library(${L_TARGET} INTERFACE)
    set(scope INTERFACE)
  else()
    add_library(${L_TARGET} ${L_SOURCES})
    set(scope PUBLIC)
    # BUILD_INTERFACE: the flags are for building vibework, not part of what it exports.
    target_link_libraries(${L_TARGET} PRIVATE $<BUILD_INTERFACE:vibework_defaults>)
  endif()
  add_library(vibework::${L_NAME} ALIAS ${L_TARGET})
  set_target_properties(${L_TARGET} PROPERTIES EXPORT_NAME ${L_NAME})
  target_sources(${L_TARGET} ${scope}
    FILE_SET HEADERS BASE_DIRS ${vibework_SOURCE_DIR}/src FILES ${L_HEADERS})
  set_property(GLOBAL APPEND PROPERTY VIBEWORK_LIBRARIES ${L_TARGET})
endfunction()

# Installs every vibework_library() with its headers, the exported targets (namespace
# vibework::), vibeworkConfig.cmake and its version file; and writes the list of installed
# headers to <build>/vibework-public-headers.txt for the header check in tests/library/.
function(vibework_install_package)
  get_property(libraries GLOBAL PROPERTY VIBEWORK_LIBRARIES)
  set(headers "")
  foreach(library IN LISTS libraries)
    get_target_property(files ${library} HEADER_SET)
    foreach(file IN LISTS files)
      file(RELATIVE_PATH relative ${vibework_SOURCE_DIR}/src ${file})
      string(APPEND headers "${relative}\n")
    endforeach()
  endforeach()
  file(WRITE ${vibework_BINARY_DIR}/vibework-public-headers.txt "${headers}")

  if(NOT VIBEWORK_INSTALL)
    return()
  endif()
  set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/vibework)
  install(TARGETS ${libraries} EXPORT vibeworkTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT vibeworkTargets NAMESPACE vibework:: DESTINATION ${config_dir})
  # The auth tables' migrations, for `apply_migrations(db, vibework_MIGRATIONS_DIR)`.
  set(VIBEWORK_MIGRATIONS_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/vibework/migrations)
  install(DIRECTORY ${vibework_SOURCE_DIR}/migrations/ DESTINATION ${VIBEWORK_MIGRATIONS_INSTALL_DIR})
  configure_package_config_file(${vibework_SOURCE_DIR}/cmake/vibeworkConfig.cmake.in
    ${vibework_BINARY_DIR}/vibeworkConfig.cmake INSTALL_DESTINATION ${config_dir}
    PATH_VARS VIBEWORK_MIGRATIONS_INSTALL_DIR)
  # 0.x: a new minor version may change the API.
  write_basic_package_version_file(${vibework_BINARY_DIR}/vibeworkConfigVersion.cmake
    VERSION ${vibework_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES ${vibework_BINARY_DIR}/vibeworkConfig.cmake ${vibework_BINARY_DIR}/vibeworkConfigVersion.cmake
    DESTINATION ${config_dir})
endfunction()
