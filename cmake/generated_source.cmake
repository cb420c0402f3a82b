# Helpers of the build-time generators (embed_assets.cmake, embed_migrations.cmake), which run
# as `cmake -P` scripts so that the binary carries its files and building needs nothing else.

# The bytes of TEXT as a C++ initializer list ("0x2f,0x2a,"), into OUT.
function(c_bytes text out)
    string(HEX "${text}" hex)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

# Writes CONTENT to PATH only when it differs, so that an unchanged generator run rebuilds
# nothing.
function(write_if_changed path content)
    file(WRITE ${path}.new "${content}")
    file(COPY_FILE ${path}.new ${path} ONLY_IF_DIFFERENT)
    file(REMOVE ${path}.new)
endfunction()
