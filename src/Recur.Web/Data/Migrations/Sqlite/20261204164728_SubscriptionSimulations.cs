using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Recur.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SubscriptionSimulations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PooledTestClocks");

            migrationBuilder.AddColumn<long>(
                name: "RemovedAt",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RemovedReason",
                table: "Subscriptions",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SimulationOf",
                table: "Subscriptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsSimulation",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "SubscriptionSimulations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StripeAccountId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    SourceSubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StripeClockId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    DeletesAfter = table.Column<long>(type: "INTEGER", nullable: true),
                    StripeCustomerId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    StripePaymentMethodId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    StripeSubscriptionId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubscriptionSimulations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubscriptionSimulations_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionSimulations_SourceSubscriptionId",
                table: "SubscriptionSimulations",
                column: "SourceSubscriptionId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionSimulations_StripeAccountId_StripeClockId",
                table: "SubscriptionSimulations",
                columns: new[] { "StripeAccountId", "StripeClockId" });

            migrationBuilder.CreateIndex(
                name: "IX_SubscriptionSimulations_TenantId",
                table: "SubscriptionSimulations",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SubscriptionSimulations");

            migrationBuilder.DropColumn(
                name: "RemovedAt",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "RemovedReason",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "SimulationOf",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "IsSimulation",
                table: "Customers");

            migrationBuilder.CreateTable(
                name: "PooledTestClocks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeletesAfter = table.Column<long>(type: "INTEGER", nullable: true),
                    FrozenTime = table.Column<long>(type: "INTEGER", nullable: true),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StripeAccountId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    StripeClockId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    TakenAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PooledTestClocks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PooledTestClocks_StripeAccountId_OrderId",
                table: "PooledTestClocks",
                columns: new[] { "StripeAccountId", "OrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_PooledTestClocks_StripeClockId",
                table: "PooledTestClocks",
                column: "StripeClockId",
                unique: true);
        }
    }
}
