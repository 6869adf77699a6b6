using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AnswerHeartbeat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "HeartbeatAt",
                table: "Messages",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HeartbeatAt",
                table: "Messages");
        }
    }
}
