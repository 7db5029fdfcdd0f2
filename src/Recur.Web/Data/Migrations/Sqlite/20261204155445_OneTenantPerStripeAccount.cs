using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Recur.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneTenantPerStripeAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_StripeConnections_LinkedAccount",
                table: "StripeConnections",
                columns: new[] { "Environment", "AccountId" },
                unique: true,
                filter: "\"DisconnectedAt\" IS NULL AND \"AccountId\" <> ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StripeConnections_LinkedAccount",
                table: "StripeConnections");
        }
    }
}
