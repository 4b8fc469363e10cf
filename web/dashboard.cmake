# Bundles the dashboard (web/) with esbuild from node_modules and generates the C++ source that
# embeds it (web/build.mjs). Included by src/serving/CMakeLists.txt, where the `dashboard`
# library compiles the generated source. Node.js and node_modules (scripts/bootstrap) are needed
# at build time only.

find_program(FOOTFALL_NODE node)
if(NOT FOOTFALL_NODE)
  message(FATAL_ERROR "Node.js not found: it bundles the dashboard at build time (run scripts/bootstrap)")
endif()
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/node_modules/esbuild/package.json OR
   NOT EXISTS ${PROJECT_SOURCE_DIR}/node_modules/echarts/package.json)
  message(FATAL_ERROR "node_modules lacks esbuild or echarts, which bundle the dashboard (run scripts/bootstrap)")
endif()

# New files under web/ re-run the configure step, so they are dependencies at once.
file(GLOB_RECURSE FOOTFALL_WEB_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/web/*.js ${PROJECT_SOURCE_DIR}/web/*.mjs ${PROJECT_SOURCE_DIR}/web/*.css
     ${PROJECT_SOURCE_DIR}/web/*.html ${PROJECT_SOURCE_DIR}/web/*.svg)

set(FOOTFALL_DASHBOARD_DIR ${CMAKE_BINARY_DIR}/web)
set(FOOTFALL_DASHBOARD_CC ${CMAKE_CURRENT_BINARY_DIR}/dashboard_assets.cc)
# The generated source is a byproduct, rewritten only when the bundle changed (Ninja then
# restats it), so an unchanged bundle recompiles nothing.
add_custom_command(
  OUTPUT ${FOOTFALL_DASHBOARD_DIR}/bundle.stamp
  BYPRODUCTS ${FOOTFALL_DASHBOARD_CC}
  COMMAND ${FOOTFALL_NODE} ${PROJECT_SOURCE_DIR}/web/build.mjs ${FOOTFALL_DASHBOARD_DIR}
          ${FOOTFALL_DASHBOARD_CC}
  COMMAND ${CMAKE_COMMAND} -E touch ${FOOTFALL_DASHBOARD_DIR}/bundle.stamp
  DEPENDS ${FOOTFALL_WEB_SOURCES} ${PROJECT_SOURCE_DIR}/package-lock.json
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "Bundling the dashboard (web/) with esbuild"
  VERBATIM)
add_custom_target(dashboard_bundle DEPENDS ${FOOTFALL_DASHBOARD_DIR}/bundle.stamp)
