#pragma once

#include <boost/asio/post.hpp>
#include <memory>
#include <utility>

namespace ordercast::transport {

// A shared_ptr whose last release happens on its owner's thread, as Seastar's foreign_ptr
// does: callbacks that finish on database or hashing threads carry their HTTP session this
// way, so a session is never destroyed — and its shard's listener set never touched — off
// its shard. Dropped on another thread, the reference is posted home and released there.
template <typename T, typename Executor>
class home_ptr {
public:
    home_ptr(std::shared_ptr<T> p, Executor home) : p_(std::move(p)), home_(std::move(home)) {}
    home_ptr(const home_ptr&) = default;
    home_ptr(home_ptr&&) noexcept = default;
    home_ptr& operator=(const home_ptr&) = delete;
    home_ptr& operator=(home_ptr&&) = delete;
    ~home_ptr() {
        if (p_ && !home_.running_in_this_thread()) boost::asio::post(home_, [p = std::move(p_)] {});
    }

    T* operator->() const { return p_.get(); }
    T& operator*() const { return *p_; }

private:
    std::shared_ptr<T> p_;
    Executor home_;
};

}  // namespace ordercast::transport
