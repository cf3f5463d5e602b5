#pragma once
// Document: an owned BSON document (RAII over bson_t). The raw escape hatch of the typed API:
// filters, updates and results can always be given or taken as a Document.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// libbson's document type, declared as libbson does (with its 128-byte alignment, built with
// BSON_EXTRA_ALIGN as Debian's is; document.cpp checks): the driver header is only needed by code
// that calls libbson itself.
typedef struct _bson_t bson_t __attribute__((aligned(128)));

namespace vibework::mongodb {

class Document {
 public:
  Document();                                   // {}
  static Document adopt(bson_t* owned);         // takes ownership of a heap bson_t
  static Document copy_of(const bson_t* other);
  static Document copy_of(const std::uint8_t* data, std::size_t length);
  // Relaxed or canonical Extended JSON: Document::from_json(R"({"read": false})").
  // Throws InvalidArgumentError when the text is not valid JSON.
  static Document from_json(std::string_view json);

  Document(const Document& other);
  Document& operator=(const Document& other);
  Document(Document&& other) noexcept;
  Document& operator=(Document&& other) noexcept;
  ~Document();

  bson_t* get() noexcept { return doc_; }
  const bson_t* get() const noexcept { return doc_; }
  bool empty() const noexcept;
  // Relaxed Extended JSON, for logs and tests (never log documents that may hold secrets).
  std::string to_json() const;

 private:
  explicit Document(bson_t* owned) noexcept : doc_(owned) {}
  bson_t* doc_;  // never null
};

}  // namespace vibework::mongodb
