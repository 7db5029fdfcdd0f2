using Microsoft.EntityFrameworkCore;
using Recur.Web.Tenants;

namespace Recur.Web.Data;

/// <summary>The SQLite flavour of <see cref="AppDbContext"/>; its migrations live in Data/Migrations/Sqlite.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options, CurrentTenant currentTenant)
    : AppDbContext(options, currentTenant);
