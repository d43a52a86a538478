// SPDX-License-Identifier: LGPL-2.1-or-later

// Command k6-kv is k6 with the k6/x/kv extension built in: the program xk6
// would generate for `xk6 build --with libkv.dev/k6-plugin=./k6-plugin`.
package main

import (
	k6cmd "go.k6.io/k6/v2/cmd"

	_ "libkv.dev/k6-plugin"
)

func main() {
	k6cmd.Execute()
}
