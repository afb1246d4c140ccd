// The lazily loaded libcurl (curl_loader.cpp): each option type is forwarded
// with the type libcurl reads, so a real transfer works end to end.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

TEST(CurlLoader, ForwardsEveryOptionTypeAndTransfers) {
  ASSERT_EQ(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
  EXPECT_STREQ(curl_easy_strerror(CURLE_OK), "No error");
  auto path = std::filesystem::temp_directory_path() / ("ig-curl-loader-" + std::to_string(::getpid()));
  std::ofstream(path) << "hello from a file";
  CURL* curl = curl_easy_init();
  ASSERT_NE(curl, nullptr);
  std::string url = "file://" + path.string();
  std::string body;
  curl_slist* headers = curl_slist_append(nullptr, "X-Test: 1");
  ASSERT_NE(headers, nullptr);
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_URL, url.c_str()), CURLE_OK);             // string
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L), CURLE_OK);                  // long
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect), CURLE_OK);       // function
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body), CURLE_OK);              // object
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t{1} << 20), CURLE_OK);  // off_t
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers), CURLE_OK);           // list
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  EXPECT_EQ(body, "hello from a file");
  curl_off_t size = 0;
  EXPECT_EQ(curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &size), CURLE_OK);
  EXPECT_EQ(size, static_cast<curl_off_t>(body.size()));
  // Resuming at an offset shows that an off_t arrives whole.
  EXPECT_EQ(curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, curl_off_t{6}), CURLE_OK);
  body.clear();
  ASSERT_EQ(curl_easy_perform(curl), CURLE_OK);
  EXPECT_EQ(body, "from a file");
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  CURLSH* share = curl_share_init();
  ASSERT_NE(share, nullptr);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS), CURLSHE_OK);
  EXPECT_EQ(curl_share_setopt(share, CURLSHOPT_UNSHARE, CURL_LOCK_DATA_DNS), CURLSHE_OK);
  EXPECT_EQ(curl_share_cleanup(share), CURLSHE_OK);
  std::filesystem::remove(path);
}

}  // namespace
