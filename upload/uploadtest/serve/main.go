// Command serve runs the uploader's local test endpoint (package uploadtest) until
// interrupted, and prints how to point `convert upload` at it. Only loopback addresses.
//
//	go run ./upload/uploadtest/serve -addr 127.0.0.1:18080 -fail-sample img-2.jpg
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"

	"github.com/modelarts-convert/convert/upload/uploadtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "loopback `HOST:PORT` to listen on")
	failSample := flag.String("fail-sample", "", "refuse the sample called `NAME` once (ModelArts.4421)")
	flaky := flag.Int("flaky", 0, "answer the first `N` requests with HTTP 503 (the client retries)")
	preload := flag.String("preload", "", "comma-separated sample `NAMES` already in the dataset, as if another upload had put them there (ModelArts.4422 conflicts)")
	redirect := flag.String("redirect", "", "answer the first request with HTTP 307 to `URL` (the client refuses to follow)")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		fmt.Fprintln(os.Stderr, "serve: -addr must be a loopback HOST:PORT")
		os.Exit(2)
	}
	srv := uploadtest.New(uploadtest.Options{Addr: *addr})
	defer srv.Close()
	if *failSample != "" {
		srv.FailSample(*failSample, "ModelArts.4421", "upload failed", 1)
	}
	if *preload != "" {
		srv.Preload(strings.Split(*preload, ",")...)
	}
	if *redirect != "" {
		srv.Inject(uploadtest.Fault{Status: 307, Location: *redirect})
	}
	for range *flaky {
		srv.Inject(uploadtest.Fault{Status: 503})
	}
	fmt.Printf("export HUAWEICLOUD_SDK_AK=%s HUAWEICLOUD_SDK_SK=%s HUAWEICLOUD_SDK_PROJECT_ID=%s\n",
		uploadtest.DefaultAK, uploadtest.DefaultSK, srv.ProjectID())
	fmt.Printf("convert upload -endpoint %s -dataset-id %s PATH...\n", srv.URL, srv.DatasetID())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	fmt.Printf("stored %d samples in %d requests\n", len(srv.Samples()), srv.Requests())
}
