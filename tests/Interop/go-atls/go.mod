module constellation.net/go-atls

go 1.19
