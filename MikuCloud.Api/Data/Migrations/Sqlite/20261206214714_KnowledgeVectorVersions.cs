using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KnowledgeVectorVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VectorVersion",
                table: "KnowledgeBases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "KnowledgeVectorVersions",
                columns: table => new
                {
                    DocumentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeVectorVersions", x => x.DocumentId);
                    table.ForeignKey(
                        name: "FK_KnowledgeVectorVersions_KnowledgeDocuments_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "KnowledgeDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeVectorVersions_BaseId_DocumentId_Version",
                table: "KnowledgeVectorVersions",
                columns: new[] { "BaseId", "DocumentId", "Version" });

            // The vector index's versions (MikuCloud.Api/Knowledge/Search/KnowledgeVectorIndex), moved by the database so
            // that every writer moves them: the base's VectorVersion and the document's Version, whenever a chunk with a
            // vector is added or removed or a vector is rewritten. SQLite has row triggers only: two indexed one-row
            // writes per chunk (the document's row is not touched: it holds the file's bytes).
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_VectorAdded" AFTER INSERT ON "KnowledgeChunks" WHEN new."Vector" IS NOT NULL BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1 WHERE "Id" = new."BaseId";
                    INSERT INTO "KnowledgeVectorVersions" ("DocumentId", "BaseId", "Version") VALUES (new."DocumentId", new."BaseId", 1)
                        ON CONFLICT ("DocumentId") DO UPDATE SET "Version" = "Version" + 1;
                END;
                """);
            // A document deleted with its chunks takes its version row along (cascade): only a remaining one is moved.
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_VectorRemoved" AFTER DELETE ON "KnowledgeChunks" WHEN old."Vector" IS NOT NULL BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1 WHERE "Id" = old."BaseId";
                    UPDATE "KnowledgeVectorVersions" SET "Version" = "Version" + 1 WHERE "DocumentId" = old."DocumentId";
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_VectorRewritten" AFTER UPDATE OF "Vector", "VectorScale", "BaseId", "DocumentId" ON "KnowledgeChunks" BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1 WHERE "Id" IN (old."BaseId", new."BaseId");
                    UPDATE "KnowledgeVectorVersions" SET "Version" = "Version" + 1 WHERE "DocumentId" = old."DocumentId";
                    INSERT INTO "KnowledgeVectorVersions" ("DocumentId", "BaseId", "Version") SELECT new."DocumentId", new."BaseId", 1
                        WHERE new."Vector" IS NOT NULL
                        ON CONFLICT ("DocumentId") DO UPDATE SET "Version" = "Version" + 1;
                END;
                """);
            // Documents indexed before this migration.
            migrationBuilder.Sql("""
                INSERT INTO "KnowledgeVectorVersions" ("DocumentId", "BaseId", "Version")
                SELECT DISTINCT "DocumentId", "BaseId", 1 FROM "KnowledgeChunks" WHERE "Vector" IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorRewritten";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorRemoved";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorAdded";""");
            migrationBuilder.DropTable(
                name: "KnowledgeVectorVersions");

            migrationBuilder.DropColumn(
                name: "VectorVersion",
                table: "KnowledgeBases");
        }
    }
}
