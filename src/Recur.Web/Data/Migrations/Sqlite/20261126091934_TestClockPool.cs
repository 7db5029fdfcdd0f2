using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Recur.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TestClockPool : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PooledTestClocks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StripeAccountId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    StripeClockId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    FrozenTime = table.Column<long>(type: "INTEGER", nullable: true),
                    DeletesAfter = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: true),
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PooledTestClocks");
        }
    }
}
