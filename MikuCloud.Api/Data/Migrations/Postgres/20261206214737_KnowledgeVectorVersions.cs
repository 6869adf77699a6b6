using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Postgres
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "KnowledgeVectorVersions",
                columns: table => new
                {
                    DocumentId = table.Column<Guid>(type: "uuid", nullable: false),
                    BaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
            // vector is added or removed or a vector is rewritten. Inserts and deletes: statement triggers over the
            // transition table (one write per base and document per statement, not per chunk; the base row first, as
            // everywhere, so writers of one base queue instead of deadlocking).
            migrationBuilder.Sql("""
                CREATE FUNCTION "KnowledgeChunks_VectorsAdded"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1
                    WHERE "Id" IN (SELECT "BaseId" FROM added WHERE "Vector" IS NOT NULL);
                    INSERT INTO "KnowledgeVectorVersions" ("DocumentId", "BaseId", "Version")
                    SELECT DISTINCT "DocumentId", "BaseId", 1 FROM added WHERE "Vector" IS NOT NULL
                    ON CONFLICT ("DocumentId") DO UPDATE SET "Version" = "KnowledgeVectorVersions"."Version" + 1;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "KnowledgeChunks_VectorsAdded" AFTER INSERT ON "KnowledgeChunks"
                    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "KnowledgeChunks_VectorsAdded"();
                """);
            // A document deleted with its chunks takes its version row along (cascade): only a remaining one is moved.
            migrationBuilder.Sql("""
                CREATE FUNCTION "KnowledgeChunks_VectorsRemoved"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1
                    WHERE "Id" IN (SELECT "BaseId" FROM removed WHERE "Vector" IS NOT NULL);
                    UPDATE "KnowledgeVectorVersions" SET "Version" = "Version" + 1
                    WHERE "DocumentId" IN (SELECT "DocumentId" FROM removed WHERE "Vector" IS NOT NULL);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "KnowledgeChunks_VectorsRemoved" AFTER DELETE ON "KnowledgeChunks"
                    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "KnowledgeChunks_VectorsRemoved"();
                """);
            // No code rewrites a vector in place (a re-index replaces the chunks); a row trigger covers any writer that does.
            migrationBuilder.Sql("""
                CREATE FUNCTION "KnowledgeChunks_VectorRewritten"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "KnowledgeBases" SET "VectorVersion" = "VectorVersion" + 1 WHERE "Id" IN (OLD."BaseId", NEW."BaseId");
                    UPDATE "KnowledgeVectorVersions" SET "Version" = "Version" + 1 WHERE "DocumentId" = OLD."DocumentId";
                    IF NEW."Vector" IS NOT NULL THEN
                        INSERT INTO "KnowledgeVectorVersions" ("DocumentId", "BaseId", "Version") VALUES (NEW."DocumentId", NEW."BaseId", 1)
                        ON CONFLICT ("DocumentId") DO UPDATE SET "Version" = "KnowledgeVectorVersions"."Version" + 1;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER "KnowledgeChunks_VectorRewritten" AFTER UPDATE OF "Vector", "VectorScale", "BaseId", "DocumentId" ON "KnowledgeChunks"
                    FOR EACH ROW EXECUTE FUNCTION "KnowledgeChunks_VectorRewritten"();
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
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorRewritten" ON "KnowledgeChunks";
                DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorsRemoved" ON "KnowledgeChunks";
                DROP TRIGGER IF EXISTS "KnowledgeChunks_VectorsAdded" ON "KnowledgeChunks";
                DROP FUNCTION IF EXISTS "KnowledgeChunks_VectorRewritten"();
                DROP FUNCTION IF EXISTS "KnowledgeChunks_VectorsRemoved"();
                DROP FUNCTION IF EXISTS "KnowledgeChunks_VectorsAdded"();
                """);
            migrationBuilder.DropTable(
                name: "KnowledgeVectorVersions");

            migrationBuilder.DropColumn(
                name: "VectorVersion",
                table: "KnowledgeBases");
        }
    }
}
