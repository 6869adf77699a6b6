using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnswerUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnswerUsage",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Door = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PresetId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    InputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    OutputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    TimeToFirstTokenMs = table.Column<double>(type: "REAL", nullable: true),
                    TotalMs = table.Column<double>(type: "REAL", nullable: true),
                    OutputTokensPerSecond = table.Column<double>(type: "REAL", nullable: true),
                    PromptTokensPerSecond = table.Column<double>(type: "REAL", nullable: true),
                    ImageCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnswerUsage", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnswerUsage_OwnerId_CreatedAt",
                table: "AnswerUsage",
                columns: new[] { "OwnerId", "CreatedAt" });

            // An install's existing answers become its first usage rows, so the dashboard (which now reads this table)
            // does not go blank on upgrade. They all came through the chat door (the only one that stored answers
            // before, apart from rare OpenAI store=true ones); the images each prompt carried were not kept: 0.
            // Each shares its message's id, as every stored answer's usage does.
            migrationBuilder.Sql("""
                INSERT INTO "AnswerUsage" ("Id", "OwnerId", "Door", "PresetId", "Model", "Status", "InputTokens", "OutputTokens",
                    "TimeToFirstTokenMs", "TotalMs", "OutputTokensPerSecond", "PromptTokensPerSecond", "ImageCount", "CreatedAt", "MessageId")
                SELECT m."Id", c."OwnerId", 'chat', COALESCE(m."PresetId", ''), COALESCE(m."Model", ''), m."Status", m."InputTokens", m."OutputTokens",
                    m."TimeToFirstTokenMs", m."TotalMs", m."OutputTokensPerSecond", m."PromptTokensPerSecond", 0, m."CreatedAt", m."Id"
                FROM "Messages" m JOIN "Conversations" c ON c."Id" = m."ConversationId"
                WHERE m."Role" = 'assistant' AND m."Status" <> 'streaming';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnswerUsage");
        }
    }
}
