// libcurl, loaded on first use.
//
// libcurl pulls in about 25 shared libraries (GnuTLS, Kerberos, LDAP, SSH,
// RTMP, IDN, PSL, Brotli...). Loading and relocating them took about 19 ms
// of every start, half of imagegate's start-up, even for commands that never
// touch the network (sbom of a local layout, version compare, db status).
// So the binary does not link libcurl: the few entry points it uses are
// defined here and forward to the system's libcurl.so.4, opened with dlopen
// the first time one is called. The library stays Debian's shared libcurl4,
// so its security updates apply as before.
//
// Only this file may define curl_* symbols. The executable does not export
// them (nothing linked at build time refers to them), so libcurl's own calls
// to its functions never land here.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename our definitions
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdlib>
#include <mutex>
#include <string>

namespace {

struct Api {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  decltype(&::curl_share_init) share_init = nullptr;
  decltype(&::curl_share_setopt) share_setopt = nullptr;
  decltype(&::curl_share_cleanup) share_cleanup = nullptr;
  decltype(&::curl_version_info) version_info = nullptr;
  std::string error;  // why loading failed; empty when loaded
};

template <typename F>
bool bind(void* lib, const char* name, F& fn, std::string& error) {
  fn = reinterpret_cast<F>(::dlsym(lib, name));
  if (fn == nullptr && error.empty()) error = std::string("libcurl.so.4 has no symbol ") + name;
  return fn != nullptr;
}

const Api& api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    // RTLD_LOCAL: its symbols serve only the pointers below.
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = ::dlerror();
      a.error = std::string("cannot load libcurl.so.4 (") + (why != nullptr ? why : "unknown error") +
                "); install Debian's libcurl4 package";
      return;
    }
    bool ok = bind(lib, "curl_global_init", a.global_init, a.error) &&
              bind(lib, "curl_easy_init", a.easy_init, a.error) &&
              bind(lib, "curl_easy_setopt", a.easy_setopt, a.error) &&
              bind(lib, "curl_easy_perform", a.easy_perform, a.error) &&
              bind(lib, "curl_easy_getinfo", a.easy_getinfo, a.error) &&
              bind(lib, "curl_easy_cleanup", a.easy_cleanup, a.error) &&
              bind(lib, "curl_easy_strerror", a.easy_strerror, a.error) &&
              bind(lib, "curl_slist_append", a.slist_append, a.error) &&
              bind(lib, "curl_slist_free_all", a.slist_free_all, a.error) &&
              bind(lib, "curl_share_init", a.share_init, a.error) &&
              bind(lib, "curl_share_setopt", a.share_setopt, a.error) &&
              bind(lib, "curl_share_cleanup", a.share_cleanup, a.error) &&
              bind(lib, "curl_version_info", a.version_info, a.error);
    if (!ok) {
      std::string error = std::move(a.error);
      a = Api{};  // all or nothing: a half-bound library is never called
      a.error = std::move(error);
    }
  });
  return a;
}

bool loaded() { return api().easy_init != nullptr; }

}  // namespace

// curl.h declares these with an enum as the last named parameter; clang warns
// that va_start after a promoted type is undefined. The definitions must keep
// curl.h's signatures, and libcurl's own definitions do exactly the same; the
// x86-64 and aarch64 va_start does not depend on that parameter's type.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wvarargs"
#endif

extern "C" {

CURLcode curl_global_init(long flags) { return loaded() ? api().global_init(flags) : CURLE_FAILED_INIT; }

// Every handle trusts the CAs that SSL_CERT_FILE and SSL_CERT_DIR name, as Go
// tools (skopeo, cosign, Trivy, crane) do: corporate proxies with private CAs
// are set up that way. Done here, where every handle is made, so that no
// HTTPS connection (registry, token service, KMS, webhook) can miss it.
// OpenSSL reads these variables only for its default paths, which libcurl
// replaces with its compiled-in bundle; hence the explicit options. SSL_CERT_DIR
// may list several directories separated by ':' (OpenSSL splits it). --ca-file
// still adds its certificates on top (image/http.cpp).
CURL* curl_easy_init() {
  if (!loaded()) return nullptr;
  CURL* curl = api().easy_init();
  if (curl == nullptr) return nullptr;
  const char* file = std::getenv("SSL_CERT_FILE");
  if (file != nullptr && *file != '\0') api().easy_setopt(curl, CURLOPT_CAINFO, file);
  const char* dir = std::getenv("SSL_CERT_DIR");
  if (dir != nullptr && *dir != '\0') api().easy_setopt(curl, CURLOPT_CAPATH, dir);
  return curl;
}

// The variadic argument is forwarded by the type libcurl itself reads for the
// option, which its number encodes (CURLOPTTYPE_* bases, curl.h).
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  if (!loaded() || curl == nullptr) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = api().easy_setopt(curl, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    rc = api().easy_setopt(curl, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = api().easy_setopt(curl, option, va_arg(ap, void (*)()));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = api().easy_setopt(curl, option, va_arg(ap, curl_off_t));
  } else {
    rc = api().easy_setopt(curl, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

CURLcode curl_easy_perform(CURL* curl) {
  return loaded() && curl != nullptr ? api().easy_perform(curl) : CURLE_FAILED_INIT;
}

// Every CURLINFO_* takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  if (!loaded() || curl == nullptr) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, info);
  CURLcode rc = api().easy_getinfo(curl, info, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

void curl_easy_cleanup(CURL* curl) {
  if (loaded() && curl != nullptr) api().easy_cleanup(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  if (!loaded()) return api().error.c_str();
  return api().easy_strerror(code);
}

curl_slist* curl_slist_append(curl_slist* list, const char* s) {
  return loaded() ? api().slist_append(list, s) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (loaded() && list != nullptr) api().slist_free_all(list);
}

CURLSH* curl_share_init() { return loaded() ? api().share_init() : nullptr; }

CURLSHcode curl_share_setopt(CURLSH* share, CURLSHoption option, ...) {
  if (!loaded() || share == nullptr) return CURLSHE_INVALID;
  va_list ap;
  va_start(ap, option);
  CURLSHcode rc;
  switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE: rc = api().share_setopt(share, option, va_arg(ap, int)); break;
    case CURLSHOPT_LOCKFUNC:
    case CURLSHOPT_UNLOCKFUNC: rc = api().share_setopt(share, option, va_arg(ap, void (*)())); break;
    default: rc = api().share_setopt(share, option, va_arg(ap, void*)); break;
  }
  va_end(ap);
  return rc;
}

CURLSHcode curl_share_cleanup(CURLSH* share) {
  return loaded() && share != nullptr ? api().share_cleanup(share) : CURLSHE_INVALID;
}

// `imagegate version` reports the libcurl it would load; nullptr when none.
curl_version_info_data* curl_version_info(CURLversion age) {
  return loaded() ? api().version_info(age) : nullptr;
}

}  // extern "C"
