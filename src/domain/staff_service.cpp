#include "domain/staff_service.hpp"

#include "domain/error.hpp"
#include "domain/order_service.hpp"
#include "util/text_key.hpp"

namespace ordercast::domain {

std::string check_identity(const new_staff& s, bool allow_service) {
    const auto login = util::text_key(s.login);
    if (login.empty() || login.size() > 200)
        throw error(error::kind::bad_request, "bad-login", "a login is 1 to 200 characters");
    const bool staff_role = s.role == "manager" || s.role == "admin" || s.role == "ceo";
    if (!staff_role && !(allow_service && s.role == "service"))
        throw error(error::kind::unprocessable, "bad-role",
                    allow_service ? "the role is manager, admin, ceo or service"
                                  : "the role is manager, admin or ceo");
    return login;
}

void check_password(const std::string& password) {
    if (password.size() < min_password)
        throw error(error::kind::unprocessable, "weak-password",
                    "a password has at least " + std::to_string(min_password) + " characters");
}

std::string check_new_staff(const new_staff& s, bool allow_service) {
    auto login = check_identity(s, allow_service);
    check_password(s.password);
    return login;
}

void require_may_manage(const auth::principal& who, std::string_view role) {
    if (!who.is_staff_admin())
        throw error(error::kind::forbidden, "forbidden", "only admin and ceo manage staff");
    if ((role == "admin" || role == "ceo") && who.who != auth::role::ceo)
        throw error(error::kind::forbidden, "forbidden",
                    "only the CEO creates or removes admin and CEO accounts");
}

staff_account add_staff(repository& repo, const new_staff& s, const std::string& password_hash) {
    const auto login = util::text_key(s.login);
    require_cities(repo, s.cities);
    const auto id = repo.add_staff_user(login, password_hash, s.role, s.cities);
    if (id == 0)
        throw error(error::kind::conflict, "login-taken", "login '" + login + "' is taken");
    return {id, s.role, {}, s.cities, login};
}

std::optional<staff_account> find_staff_by_id(repository& repo, std::int64_t id) {
    for (auto& account : repo.list_staff()) {
        if (account.id == id) return account;
    }
    return std::nullopt;
}

}  // namespace ordercast::domain
