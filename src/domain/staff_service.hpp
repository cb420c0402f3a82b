#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/principal.hpp"
#include "domain/repository.hpp"

namespace ordercast::domain {

// Staff accounts, one set of rules for every way in: `ordercast user ...` and /api/staff.
struct new_staff {
    std::string login;
    std::string password;
    std::string role;
    std::vector<std::int64_t> cities;
};

inline constexpr std::size_t min_password = 10;

// Checks an account before its password is hashed: the login folded as logins are compared
// (returned), a role of manager, admin or ceo (and service when `allow_service`: the command
// line), a password of at least min_password characters. Throws domain::error (400/422).
std::string check_new_staff(const new_staff& s, bool allow_service);
// The parts of that check: the login and role (before a password is asked for), the password.
std::string check_identity(const new_staff& s, bool allow_service);
void check_password(const std::string& password);

// Only admins and the CEO manage staff, and only the CEO creates or removes admin and CEO
// accounts. Throws domain::error (403).
void require_may_manage(const auth::principal& who, std::string_view role);

// Adds the account (its cities must exist; the login must be free). Throws domain::error
// (409 login-taken, 422 unknown-city).
staff_account add_staff(repository& repo, const new_staff& s, const std::string& password_hash);

// The account `id`, if it is a staff account the server holds.
std::optional<staff_account> find_staff_by_id(repository& repo, std::int64_t id);

}  // namespace ordercast::domain
