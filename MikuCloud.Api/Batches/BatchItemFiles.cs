namespace MikuCloud.Api.Batches;

/// <summary>The <c>multipart/form-data</c> of <c>POST /api/batches/{id}/items</c>: more images for a draft, as <c>files</c> parts.</summary>
/// <param name="Files">The images, one part each.</param>
public sealed record BatchItemFiles(IReadOnlyList<IFormFile>? Files);
