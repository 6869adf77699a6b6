using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MessageBranches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ParentId",
                table: "Messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CurrentMessageId",
                table: "Conversations",
                type: "uuid",
                nullable: true);

            // Conversations written before branches are one branch: each message follows the one before it (by Seq), and
            // the chosen leaf is the newest message.
            migrationBuilder.Sql(
                """
                UPDATE "Messages" AS m SET "ParentId" = o."Previous"
                FROM (SELECT "Id", LAG("Id") OVER (PARTITION BY "ConversationId" ORDER BY "Seq") AS "Previous" FROM "Messages") AS o
                WHERE o."Id" = m."Id" AND o."Previous" IS NOT NULL;
                """);
            migrationBuilder.Sql(
                """
                UPDATE "Conversations" AS c SET "CurrentMessageId" =
                    (SELECT m."Id" FROM "Messages" AS m WHERE m."ConversationId" = c."Id" ORDER BY m."Seq" DESC LIMIT 1);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ConversationId_ParentId",
                table: "Messages",
                columns: new[] { "ConversationId", "ParentId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_ConversationId_ParentId",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "ParentId",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "CurrentMessageId",
                table: "Conversations");
        }
    }
}
