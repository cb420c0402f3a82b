# cmake/embed_assets.cmake: a file's relative references become the hashed URLs of what they
# name, a hash covers the URLs a file names (so changing an import renames its importers),
# and a reference to a file that is not an asset, a cycle, or two assets served under one
# name fail the build.
set(dir ${CMAKE_CURRENT_BINARY_DIR}/embed_assets_test)
file(REMOVE_RECURSE ${dir})

function(embed out)
    execute_process(COMMAND ${CMAKE_COMMAND} "-DHASHED=${hashed}" "-DFILES=${ARGN}" "-DPATHS=/" -DOUT=${out}
                            -P ${SCRIPT}
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    set(rc ${rc} PARENT_SCOPE)
    set(err "${err}" PARENT_SCOPE)
endfunction()

# The served path of `name` in generated source `file`.
function(served file name out)
    file(READ ${file} generated)
    string(REGEX MATCH "\"(/assets/[a-z]+/${name}\\.[0-9a-f]+\\.js)\"" found "${generated}")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

function(hex_of text out)
    string(HEX "${text}" hex)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

file(WRITE ${dir}/web/page/main.js "import { b } from './b.js';\nimport x from \"../lib/c.js\";\n")
file(WRITE ${dir}/web/page/b.js "export const b = 1;\n")
file(WRITE ${dir}/web/lib/c.js "export default 2;\n")
file(WRITE ${dir}/web/page/index.html "<script type=\"module\" src=\"./main.js\"></script>\n")
set(hashed ${dir}/web/page/main.js ${dir}/web/page/b.js ${dir}/web/lib/c.js)
embed(${dir}/one.cpp ${dir}/web/page/index.html)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the script failed: ${err}")
endif()
served(${dir}/one.cpp b b_url)
served(${dir}/one.cpp c c_url)
served(${dir}/one.cpp main main_url)
string(SHA256 b_sha "export const b = 1;\n")
string(SUBSTRING ${b_sha} 0 16 b_tag)
if(NOT b_url STREQUAL "/assets/page/b.${b_tag}.js")
    message(FATAL_ERROR "b.js is not named by its bytes: ${b_url}")
endif()
hex_of("import { b } from '${b_url}';\nimport x from \"${c_url}\";\n" main_bytes)
hex_of("<script type=\"module\" src=\"${main_url}\"></script>\n" page_bytes)
file(READ ${dir}/one.cpp generated)
foreach(want main_bytes page_bytes)
    string(FIND "${generated}" "${${want}}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${want}: the references are not the hashed URLs")
    endif()
endforeach()

# Only b.js changes: main.js, which imports it, gets a new name too.
file(WRITE ${dir}/web/page/b.js "export const b = 3;\n")
embed(${dir}/two.cpp ${dir}/web/page/index.html)
served(${dir}/two.cpp main main_again)
if(main_again STREQUAL main_url)
    message(FATAL_ERROR "an import changed and its importer kept its name")
endif()

file(WRITE ${dir}/web/page/index.html "<link href=\"./missing.css\">\n")
embed(${dir}/missing.cpp ${dir}/web/page/index.html)
if(rc EQUAL 0 OR NOT err MATCHES "not an embedded asset")
    message(FATAL_ERROR "a reference to a file that is not an asset was accepted: ${err}")
endif()

file(WRITE ${dir}/web/lib/c.js "import { b } from '../page/main.js';\n")
embed(${dir}/cycle.cpp)
if(rc EQUAL 0 OR NOT err MATCHES "cycle")
    message(FATAL_ERROR "a cycle was accepted: ${err}")
endif()

file(WRITE ${dir}/web/lib/c.js "export default 2;\n")
file(WRITE ${dir}/other/page/b.js "export const b = 4;\n")
list(APPEND hashed ${dir}/other/page/b.js)
embed(${dir}/twice.cpp)
if(rc EQUAL 0 OR NOT err MATCHES "two assets would be served")
    message(FATAL_ERROR "two assets under one name were accepted: ${err}")
endif()
