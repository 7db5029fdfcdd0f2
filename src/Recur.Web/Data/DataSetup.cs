using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Recur.Web.Data;

public static class DataSetup
{
    public const string DefaultConnectionString = "Data Source=data/recur.db";

    /// <summary>Registers <see cref="AppDbContext"/> on SQLite, from <c>ConnectionStrings:Recur</c>.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        // Read when the first context is made, so configuration added late (tests, hosting) is honoured.
        builder.Services.AddDbContext<AppDbContext, SqliteAppDbContext>((services, options) =>
        {
            var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString("Recur");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                connectionString = DefaultConnectionString;
            }
            var contentRoot = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
            options.UseSqlite(AnchorToContentRoot(connectionString, contentRoot));
            // Optional owned values (an address, a payment error) are null exactly when all their columns are.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.OptionalDependentWithoutIdentifyingPropertyWarning));
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>Creates the database folder and applies pending migrations, before the app takes requests.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var folder = Path.GetDirectoryName(dataSource);
        if (!string.IsNullOrEmpty(folder) && !dataSource.StartsWith(':'))
        {
            Directory.CreateDirectory(folder);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>A relative file name is taken relative to the content root, so the data folder does not move with
    /// the shell's working directory.</summary>
    private static string AnchorToContentRoot(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource.StartsWith(':') || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || Path.IsPathRooted(dataSource) || builder.Mode == SqliteOpenMode.Memory)
        {
            return connectionString;
        }
        builder.DataSource = Path.Combine(contentRoot, dataSource);
        return builder.ToString();
    }
}
