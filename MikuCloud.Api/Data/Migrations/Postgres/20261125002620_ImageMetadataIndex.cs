using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImageMetadataIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_MessageId_Ordinal",
                table: "Images");

            migrationBuilder.CreateIndex(
                name: "IX_Images_MessageId_Ordinal_Id_VisualTokens",
                table: "Images",
                columns: new[] { "MessageId", "Ordinal", "Id", "VisualTokens" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_MessageId_Ordinal_Id_VisualTokens",
                table: "Images");

            migrationBuilder.CreateIndex(
                name: "IX_Images_MessageId_Ordinal",
                table: "Images",
                columns: new[] { "MessageId", "Ordinal" });
        }
    }
}
