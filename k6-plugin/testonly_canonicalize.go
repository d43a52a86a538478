// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

// TEST ONLY. cgo cannot be used in _test.go files, so the differential tests
// of values_canonical_test.go reach libkv's canonicalizer through this
// wrapper. Nothing outside tests calls it; the linker drops it from k6-kv.

/*
#cgo pkg-config: libkv-1
#include <stdlib.h>
#include <libkv/kv.h>

static char *
testonly_canonicalize (const char *json, gssize len, gsize *out_len, char **errmsg)
{
  GError *error = NULL;
  char *out = kv_json_canonicalize (json, len, out_len, &error);
  if (out == NULL)
    {
      *errmsg = g_strdup (error != NULL ? error->message : "unknown error");
      g_clear_error (&error);
    }
  return out;
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// testonlyCanonicalize runs libkv's kv_json_canonicalize on json. Tests only.
func testonlyCanonicalize(json []byte) ([]byte, error) {
	var outLen C.gsize
	var errmsg *C.char
	out := C.testonly_canonicalize(ptr(json), C.gssize(len(json)), &outLen, &errmsg)
	if out == nil {
		msg := C.GoString(errmsg)
		C.g_free(C.gpointer(errmsg))
		return nil, errors.New(msg)
	}
	defer C.g_free(C.gpointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(outLen)), nil
}
