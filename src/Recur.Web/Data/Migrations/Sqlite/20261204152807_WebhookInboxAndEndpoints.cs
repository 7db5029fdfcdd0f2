using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Recur.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebhookInboxAndEndpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ApiVersion",
                table: "StripeEvents",
                type: "TEXT",
                maxLength: 50,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "FirstFailedAt",
                table: "StripeEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ParkedAt",
                table: "StripeEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PayloadPrunedAt",
                table: "StripeEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ReplayedAt",
                table: "StripeEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "StripeEvents",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Webhook");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "StripeEvents",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Pending");

            // Events stored before: applied, still retrying (pending), or given up on (now parked).
            migrationBuilder.Sql("UPDATE StripeEvents SET Status = 'Processed' WHERE ProcessedAt IS NOT NULL;");
            migrationBuilder.Sql("UPDATE StripeEvents SET Status = 'Parked', ParkedAt = ReceivedAt WHERE ProcessedAt IS NULL AND NextAttemptAt IS NULL;");

            migrationBuilder.CreateTable(
                name: "RegisteredWebhookEndpoints",
                columns: table => new
                {
                    Environment = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    EndpointId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ApiVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Replacements = table.Column<int>(type: "INTEGER", nullable: false),
                    ReplacedBecause = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegisteredWebhookEndpoints", x => x.Environment);
                });

            migrationBuilder.CreateTable(
                name: "WrongModeEvents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Route = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Account = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Livemode = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WrongModeEvents", x => new { x.Id, x.Route });
                });

            migrationBuilder.CreateIndex(
                name: "IX_StripeEvents_Environment_Account_CreatedAt",
                table: "StripeEvents",
                columns: new[] { "Environment", "Account", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_StripeEvents_Status_ProcessedAt",
                table: "StripeEvents",
                columns: new[] { "Status", "ProcessedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WrongModeEvents_ReceivedAt",
                table: "WrongModeEvents",
                column: "ReceivedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RegisteredWebhookEndpoints");

            migrationBuilder.DropTable(
                name: "WrongModeEvents");

            migrationBuilder.DropIndex(
                name: "IX_StripeEvents_Environment_Account_CreatedAt",
                table: "StripeEvents");

            migrationBuilder.DropIndex(
                name: "IX_StripeEvents_Status_ProcessedAt",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "ApiVersion",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "FirstFailedAt",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "ParkedAt",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "PayloadPrunedAt",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "ReplayedAt",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "StripeEvents");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "StripeEvents");
        }
    }
}
