module github.com/modelarts-convert/convert

go 1.26.0

require (
	github.com/beevik/etree v1.8.1
	github.com/gocarina/gocsv v0.0.0-20240520201108-78e41c74b4b1
	github.com/stretchr/testify v1.12.1
	golang.org/x/text v0.44.0
)

require go.yaml.in/yaml/v3 v3.0.5
