#pragma once

namespace ordercast::storage {

// BEGIN ... COMMIT on any connection with `exec(const char*)` and `rollback()`; rolled back
// unless committed.
template <typename Connection>
class basic_transaction {
public:
    basic_transaction(Connection& c, const char* begin) : c_(c) { c_.exec(begin); }
    ~basic_transaction() {
        if (done_) return;
        try {
            c_.rollback();
        } catch (...) {
            // A broken connection has rolled back by itself.
        }
    }
    basic_transaction(const basic_transaction&) = delete;
    basic_transaction& operator=(const basic_transaction&) = delete;

    void commit() {
        c_.exec("COMMIT");
        done_ = true;
    }

private:
    Connection& c_;
    bool done_ = false;
};

}  // namespace ordercast::storage
