using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Sqlite
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
                type: "TEXT",
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
