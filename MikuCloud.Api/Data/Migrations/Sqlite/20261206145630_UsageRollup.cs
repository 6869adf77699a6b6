using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MikuCloud.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageRollups",
                columns: table => new
                {
                    Grain = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Answers = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Images = table.Column<long>(type: "INTEGER", nullable: false),
                    Failures = table.Column<long>(type: "INTEGER", nullable: false),
                    T00 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T01 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T02 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T03 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T04 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T05 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T06 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T07 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T08 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T09 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T10 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T11 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T12 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T13 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T14 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T15 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T16 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T17 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T18 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T19 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T20 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T21 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T22 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T23 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T24 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T25 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T26 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T27 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T28 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T29 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T30 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T31 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T32 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T33 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T34 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T35 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T36 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T37 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T38 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T39 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T40 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T41 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T42 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T43 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T44 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T45 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T46 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T47 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T48 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T49 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T50 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T51 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T52 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T53 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T54 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T55 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T56 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T57 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T58 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T59 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T60 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T61 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T62 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    T63 = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageRollups", x => new { x.Grain, x.Dimension, x.PeriodStart, x.Key });
                });

            // Hand-added (keep when re-creating this migration): the rollup starts with every answer already recorded.
            migrationBuilder.Sql(MikuCloud.Api.Usage.UsageRollupSql.Backfill(postgres: false));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageRollups");
        }
    }
}
