using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Birthday.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DropOpenOccurrenceIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_one_open_per_occurrence",
                table: "messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_messages_one_open_per_occurrence",
                table: "messages",
                columns: new[] { "user_id", "kind", "local_date" },
                unique: true,
                filter: "status IN ('Pending', 'Enqueued', 'Sending')");
        }
    }
}
