# Writes OUT: a C++ source holding the web assets (docs/protocol.md §12) as bytes.
#
# HASHED files are served as /assets/<folder>/<name>.<hash>.<ext>, where <folder> is the
# file's own folder and <hash> the first 16 hex digits of the SHA-256 of what is served:
# their URL changes whenever their bytes do, so browsers may keep them a year.
# FILES are served at the fixed path of the same position in PATHS (the client at
# /client.js, the pages at / and /app).
#
# A text file (.js, .css, .html) names another asset by a quoted path relative to itself in
# the repository — import "./orders.js", href="../shared/base.css" — so that the sources run
# as they are (Node's tests import them). Each such reference becomes the URL of the file it
# names, hash included; the referenced files are hashed first, so a module's hash covers the
# URLs of what it imports. A reference to a file that is not a HASHED asset, or a cycle of
# references, fails the build. Run at build time (cmake -P): the binary needs no files
# beside it, and building needs neither Node nor a bundler.
cmake_policy(SET CMP0057 NEW)  # IN_LIST in script mode
include(${CMAKE_CURRENT_LIST_DIR}/generated_source.cmake)

function(content_type file out)
    get_filename_component(ext ${file} LAST_EXT)
    if(ext STREQUAL ".js")
        set(type "text/javascript; charset=utf-8")
    elseif(ext STREQUAL ".css")
        set(type "text/css; charset=utf-8")
    elseif(ext STREQUAL ".html")
        set(type "text/html; charset=utf-8")
    elseif(ext STREQUAL ".json")
        set(type "application/json; charset=utf-8")
    elseif(ext STREQUAL ".svg")
        set(type "image/svg+xml")
    elseif(ext STREQUAL ".png")
        set(type "image/png")
    else()
        message(FATAL_ERROR "embed_assets: no content type for ${file}")
    endif()
    set(${out} "${type}" PARENT_SCOPE)
endfunction()

# The bytes of FILE with its references rewritten (into OUT_TEXT, or OUT_HEX for a file that
# is not text); OUT_WAITING names a referenced asset not hashed yet.
function(load file out_text out_waiting)
    set(${out_waiting} "" PARENT_SCOPE)
    get_filename_component(ext ${file} LAST_EXT)
    if(NOT ext MATCHES "^\\.(js|css|html)$")
        set(${out_text} "" PARENT_SCOPE)
        return()
    endif()
    file(READ ${file} text)
    get_filename_component(dir ${file} DIRECTORY)
    string(REGEX MATCHALL "[\"'](\\.\\.?/[A-Za-z0-9_./-]+)[\"']" refs "${text}")
    foreach(ref IN LISTS refs)
        string(LENGTH "${ref}" n)
        math(EXPR n "${n} - 2")
        string(SUBSTRING "${ref}" 1 ${n} rel)
        string(SUBSTRING "${ref}" 0 1 quote)
        get_filename_component(target "${dir}/${rel}" ABSOLUTE)
        if(NOT target IN_LIST HASHED)
            message(FATAL_ERROR "embed_assets: ${file} names ${rel}, which is not an embedded asset")
        endif()
        list(FIND done_files "${target}" at)
        if(at EQUAL -1)
            set(${out_waiting} "${target}" PARENT_SCOPE)
            return()
        endif()
        list(GET done_urls ${at} url)
        string(REPLACE "${ref}" "${quote}${url}${quote}" text "${text}")
    endforeach()
    set(${out_text} "${text}" PARENT_SCOPE)
endfunction()

set(arrays "")
set(entries "")
set(count 0)
# The first 16 hex digits of the SHA-256 of what FILE serves (ENTRY_TEXT when it is text):
# its ETag, and for hashed assets part of its name.
function(tag_of file out)
    if(entry_text STREQUAL "")
        file(SHA256 ${file} sha)
    else()
        string(SHA256 sha "${entry_text}")
    endif()
    string(SUBSTRING ${sha} 0 16 tag)
    set(${out} ${tag} PARENT_SCOPE)
endfunction()

# One entry of the table: the bytes of FILE (ENTRY_TEXT when it is text), served at SERVED
# with the ETag TAG.
function(add_entry file served caching tag)
    if(entry_text STREQUAL "")
        file(READ ${file} hex HEX)
        string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    else()
        c_bytes("${entry_text}" bytes)
    endif()
    content_type(${file} type)
    string(APPEND arrays "const unsigned char asset_${count}[] = {${bytes}};\n")
    string(APPEND entries "        {\"${served}\", \"${type}\", {reinterpret_cast<const char*>(asset_${count}), sizeof asset_${count}}, \"\\\"${tag}\\\"\", caching::${caching}},\n")
    math(EXPR count "${count} + 1")
    set(arrays "${arrays}" PARENT_SCOPE)
    set(entries "${entries}" PARENT_SCOPE)
    set(count ${count} PARENT_SCOPE)
endfunction()

# Hashed assets, each after the ones it names.
set(done_files "")
set(done_urls "")
set(names "")
set(pending ${HASHED})
while(pending)
    set(waiting_files "")
    foreach(file IN LISTS pending)
        load(${file} entry_text waiting)
        if(waiting)
            list(APPEND waiting_files ${file})
            continue()
        endif()
        get_filename_component(dir ${file} DIRECTORY)
        get_filename_component(folder ${dir} NAME)
        get_filename_component(stem ${file} NAME_WLE)
        get_filename_component(ext ${file} LAST_EXT)
        if("${folder}/${stem}${ext}" IN_LIST names)
            message(FATAL_ERROR "embed_assets: two assets would be served as ${folder}/${stem}${ext}")
        endif()
        list(APPEND names "${folder}/${stem}${ext}")
        tag_of(${file} tag)
        set(url "/assets/${folder}/${stem}.${tag}${ext}")
        add_entry(${file} ${url} immutable ${tag})
        list(APPEND done_files ${file})
        list(APPEND done_urls ${url})
    endforeach()
    list(LENGTH pending before)
    list(LENGTH waiting_files after)
    if(before EQUAL after)
        message(FATAL_ERROR "embed_assets: these assets name each other in a cycle: ${waiting_files}")
    endif()
    set(pending ${waiting_files})
endwhile()

list(LENGTH FILES fixed)
if(fixed GREATER 0)
    math(EXPR last "${fixed} - 1")
    foreach(i RANGE ${last})
        list(GET FILES ${i} file)
        list(GET PATHS ${i} path)
        load(${file} entry_text waiting)
        tag_of(${file} tag)
        get_filename_component(ext ${file} LAST_EXT)
        if(ext STREQUAL ".html")
            add_entry(${file} ${path} page ${tag})
        else()
            add_entry(${file} ${path} revalidate ${tag})
        endif()
    endforeach()
endif()

write_if_changed(${OUT} "// Generated by cmake/embed_assets.cmake; do not edit.
#include \"web/assets.hpp\"

namespace ordercast::web {
namespace {
${arrays}}  // namespace

std::span<const asset> assets() {
    static const asset all[] = {
${entries}    };
    return all;
}

}  // namespace ordercast::web
")
