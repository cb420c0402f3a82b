#include "storage/postgres/pg_db.hpp"

#include "storage/postgres/pg_arrays.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage::postgres {

sql::rows pg_db::exec(std::string_view sql, std::span<const sql::param> params) {
    std::vector<param> values;
    values.reserve(params.size());
    for (const auto& p : params) {
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) {
                    values.emplace_back(std::nullopt);
                } else if constexpr (std::is_same_v<T, std::int64_t>) {
                    values.emplace_back(std::to_string(v));
                } else if constexpr (std::is_same_v<T, sql::flag>) {
                    values.emplace_back(v.value ? "true" : "false");
                } else if constexpr (std::is_same_v<T, std::string_view>) {
                    values.emplace_back(std::string(v));
                } else if constexpr (std::is_same_v<T, sql::id_list>) {
                    values.emplace_back(id_array(v.ids));
                } else {
                    values.emplace_back(text_array(v.items));
                }
            },
            p.get());
    }
    const auto r = c_.exec(std::string(sql).c_str(), values);
    const int columns = r.columns();
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<std::size_t>(r.rows() * columns));
    for (int row = 0; row < r.rows(); ++row) {
        for (int col = 0; col < columns; ++col) {
            if (r.is_null(row, col)) {
                cells.emplace_back();
            } else {
                cells.emplace_back(r.text(row, col));
            }
        }
    }
    return sql::rows(columns, std::move(cells), r.affected());
}

namespace {

int schema_version(pg_db& d) {
    return static_cast<int>(
        d.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version").int64(0, 0));
}

}  // namespace

void migrate(pg_db& d) {
    auto& c = d.raw();
    // Instances starting together must not migrate twice.
    c.exec("SELECT pg_advisory_lock(7246001)");
    try {
        c.exec_script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        refuse_newer_schema(schema_version(d), migrations());
        for (const auto& m : migrations()) {
            if (m.version <= schema_version(d)) continue;
            sql::transaction tx(d);
            c.exec_script(m.sql);
            d.exec("INSERT INTO schema_version (version) VALUES ($1)", {m.version});
            tx.commit();
        }
    } catch (...) {
        c.exec("SELECT pg_advisory_unlock(7246001)");
        throw;
    }
    c.exec("SELECT pg_advisory_unlock(7246001)");
}

}  // namespace ordercast::storage::postgres
