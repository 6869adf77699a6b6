namespace MikuCloud.Api.Knowledge;

/// <summary>The <c>multipart/form-data</c> of <c>POST /api/knowledge/bases/{id}/documents</c>: the documents, as <c>files</c> parts.</summary>
/// <param name="Files">txt, md, pdf, docx, JPEG, PNG or WebP files, one part each.</param>
public sealed record KnowledgeUploadFiles(IReadOnlyList<IFormFile>? Files);
