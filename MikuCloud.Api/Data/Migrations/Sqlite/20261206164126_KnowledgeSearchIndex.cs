using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KnowledgeSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The knowledge full-text index (MikuCloud.Api/Knowledge/Search/SqliteFullText): FTS5 over the chunks'
            // segmented text, external content (the text is stored once, in KnowledgeChunks), kept in step by triggers.
            // unicode61 splits at anything but letters and digits; SearchText is already KnowledgeSegmenter's words.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "KnowledgeChunkSearch" USING fts5(
                    "SearchText", content='KnowledgeChunks', content_rowid='Id', tokenize='unicode61 remove_diacritics 2');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_SearchInsert" AFTER INSERT ON "KnowledgeChunks" BEGIN
                    INSERT INTO "KnowledgeChunkSearch"(rowid, "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_SearchDelete" AFTER DELETE ON "KnowledgeChunks" BEGIN
                    INSERT INTO "KnowledgeChunkSearch"("KnowledgeChunkSearch", rowid, "SearchText") VALUES ('delete', old."Id", old."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "KnowledgeChunks_SearchUpdate" AFTER UPDATE OF "SearchText" ON "KnowledgeChunks" BEGIN
                    INSERT INTO "KnowledgeChunkSearch"("KnowledgeChunkSearch", rowid, "SearchText") VALUES ('delete', old."Id", old."SearchText");
                    INSERT INTO "KnowledgeChunkSearch"(rowid, "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "KnowledgeChunkSearch"("KnowledgeChunkSearch") VALUES ('rebuild');""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_SearchUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_SearchDelete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "KnowledgeChunks_SearchInsert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "KnowledgeChunkSearch";""");
        }
    }
}
